package com.smartchat.host.names;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A request field holding a name: it must obey the {@link NameRule}. */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PlainName.Check.class)
public @interface PlainName {

    String message() default "A name cannot contain control, formatting or direction characters.";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks the {@link NameRule}, naming the character found. */
    class Check implements ConstraintValidator<PlainName, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = NameRule.problem(value, "A name");
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem.replace("{", "\\{").replace("$", "\\$"))
                    .addConstraintViolation();
            return false;
        }
    }
}
