package com.smartchat.host.web.ui;

import com.smartchat.host.channels.ChannelRequestException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Refusals on the pages become pages, not JSON. Whatever is not found, or not the user's to see, gets the same
 * "not found" page, which names nothing.
 */
@ControllerAdvice(basePackageClasses = PageErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageErrors {

    @ExceptionHandler(ChannelRequestException.class)
    ModelAndView channelRequest(ChannelRequestException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> notFound();
            case PROVIDER_FAILED -> page(HttpStatus.BAD_GATEWAY, "The plugin did not answer", e.getMessage());
            default -> page(HttpStatus.BAD_REQUEST, "That did not work", e.getMessage());
        };
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView typeMismatch() {
        return notFound();
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ModelAndView missingParameter() {
        return page(HttpStatus.BAD_REQUEST, "Something is missing",
                "The form was incomplete. Go back, reload the page and try again.");
    }

    /** Other refusals, such as the 404 of a Space the user may not see (thrown by the Space access guard). */
    @ExceptionHandler({ErrorResponseException.class, HttpRequestMethodNotSupportedException.class,
            HttpMediaTypeNotSupportedException.class})
    ModelAndView errorResponse(Exception e) {
        HttpStatusCode status = ((ErrorResponse) e).getStatusCode();
        if (status.value() == HttpStatus.NOT_FOUND.value()) {
            return notFound();
        }
        return page(status, "That did not work", "The request could not be handled (" + status.value() + ").");
    }

    static ModelAndView notFound() {
        return page(HttpStatus.NOT_FOUND, "Not found",
                "There is nothing here, or it is not yours to see. Check the address, or start again from your Spaces.");
    }

    private static ModelAndView page(HttpStatusCode status, String title, String message) {
        ModelAndView page = new ModelAndView("error");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("title", title);
        page.addObject("message", message);
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getRequest().getUserPrincipal() != null) {
            page.addObject("currentUser", attributes.getRequest().getUserPrincipal().getName());
        }
        return page;
    }
}
