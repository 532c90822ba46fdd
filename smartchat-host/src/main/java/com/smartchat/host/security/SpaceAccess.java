package com.smartchat.host.security;

import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/** Which Spaces the current user may see: platform admins all, Space admins those granted to them. */
@Component
public class SpaceAccess {

    private final UserAccounts accounts;

    public SpaceAccess(UserAccounts accounts) {
        this.accounts = accounts;
    }

    /** Whether the current user is a platform admin. */
    public boolean isPlatformAdmin() {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user != null && user.getAuthorities().stream()
                .anyMatch(authority -> authority.getAuthority().equals(Role.PLATFORM_ADMIN.authority()));
    }

    /** Whether the current user may see and administer a Space. */
    public boolean canSee(UUID spaceId) {
        if (isPlatformAdmin()) {
            return true;
        }
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user != null && user.isAuthenticated() && accounts.grants(user.getName()).contains(spaceId);
    }

    /** The answer to a request for a Space that does not exist or that the user may not see: the two look alike. */
    public static ErrorResponseException notFound(UUID id) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "There is no Space " + id + ".");
        problem.setTitle("Space not found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }
}
