package com.smartchat.host.web.ui;

import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** Small things the page controllers share. */
final class Pages {

    private Pages() {
    }

    /** The refusal for anything that does not exist or is not the user's to see: the "not found" page. */
    static ErrorResponseException notFound() {
        return new ErrorResponseException(HttpStatus.NOT_FOUND);
    }

    /** Who acts, for the audit trail. */
    static String actor(Principal principal) {
        return principal == null ? "anonymous" : principal.getName();
    }
}
