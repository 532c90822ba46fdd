package com.smartchat.host.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * How a refused sign-in is answered: during a lock-out, 429 with {@code Retry-After} (the API as a problem detail,
 * the sign-in form as the sign-in page with a message); otherwise as Spring Security does (401 asking for Basic, or
 * back to the form with an error).
 */
public final class SignInRefusals {

    /** The request attribute with the seconds to wait, for the sign-in page that {@link #THROTTLED_PAGE} shows. */
    public static final String RETRY_AFTER_ATTRIBUTE = "smartchat.signIn.retryAfter";
    /** Where a throttled form sign-in is forwarded to be shown; the security chain never matches it as a sign-in. */
    public static final String THROTTLED_PAGE = "/login/throttled";

    private SignInRefusals() {
    }

    /** The API's answer to missing or refused credentials. */
    static AuthenticationEntryPoint api() {
        BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
        basic.setRealmName("SmartChat");
        return (request, response, refused) -> {
            if (refused instanceof ThrottledSignIn.LockedOut locked) {
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader("Retry-After", String.valueOf(locked.retryAfterSeconds()));
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.getWriter().write("{\"title\":\"Too many failed sign-ins\",\"status\":429,\"detail\":\""
                        + "Too many wrong passwords for this user or from this address. Try again in "
                        + locked.retryAfterSeconds() + " seconds; programs should use an API token.\"}");
                return;
            }
            basic.commence(request, response, refused);
        };
    }

    /** The sign-in form's answer to a refused sign-in. */
    static AuthenticationFailureHandler form() {
        AuthenticationFailureHandler wrongPassword = new SimpleUrlAuthenticationFailureHandler("/login?error");
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException refused)
                -> {
            if (refused instanceof ThrottledSignIn.LockedOut locked) {
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader("Retry-After", String.valueOf(locked.retryAfterSeconds()));
                request.setAttribute(RETRY_AFTER_ATTRIBUTE, locked.retryAfterSeconds());
                forward(request, response);
                return;
            }
            wrongPassword.onAuthenticationFailure(request, response, refused);
        };
    }

    private static void forward(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            request.getRequestDispatcher(THROTTLED_PAGE).forward(request, response);
        } catch (ServletException e) {
            throw new IOException("Cannot show the sign-in page", e);
        }
    }
}
