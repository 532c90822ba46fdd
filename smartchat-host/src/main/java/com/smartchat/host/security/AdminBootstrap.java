package com.smartchat.host.security;

import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Makes sure a platform admin exists: the one named by {@code SMARTCHAT_ADMIN_USER} / {@code SMARTCHAT_ADMIN_PASSWORD}
 * when set (its password follows the variable), else, on the first start, an {@code admin} with a generated
 * password that is printed once on the console and stored only as a hash.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final UserAccounts accounts;
    private final PasswordEncoder passwords;
    private final String adminUser;
    private final String adminPassword;

    AdminBootstrap(UserAccounts accounts, PasswordEncoder passwords,
                   @Value("${smartchat.admin.user:}") String adminUser,
                   @Value("${smartchat.admin.password:}") String adminPassword) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!adminUser.isBlank() && !adminPassword.isBlank()) {
            String sameName = accounts.sameNameAs(adminUser).orElse(null);
            if (sameName != null && !sameName.equals(adminUser)) {
                throw new IllegalStateException("SMARTCHAT_ADMIN_USER '" + adminUser + "' would be taken for the "
                        + "existing user '" + sameName + "': set it to exactly that name, or to a different one");
            }
            String problem = sameName == null ? UserNames.problem(adminUser) : null; // an existing admin keeps their name
            if (problem != null) {
                throw new IllegalStateException("SMARTCHAT_ADMIN_USER is not a valid user name: " + problem);
            }
            accounts.save(adminUser, passwords.encode(adminPassword), Role.PLATFORM_ADMIN);
            log.info("Platform admin '{}' set from SMARTCHAT_ADMIN_USER / SMARTCHAT_ADMIN_PASSWORD", adminUser);
            return;
        }
        if (accounts.anyPlatformAdmin()) {
            return;
        }
        String password = generatePassword();
        accounts.save("admin", passwords.encode(password), Role.PLATFORM_ADMIN);
        // On the console only, never in the log: this is the one time the password exists in clear.
        System.out.printf("%n  SmartChat: created the platform admin 'admin' with the password  %s%n"
                + "  It is shown this once and stored only as a hash. Set SMARTCHAT_ADMIN_USER and "
                + "SMARTCHAT_ADMIN_PASSWORD to choose your own.%n%n", password);
        log.warn("Created the platform admin 'admin' with a generated password, printed once on the console");
    }

    private static String generatePassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
