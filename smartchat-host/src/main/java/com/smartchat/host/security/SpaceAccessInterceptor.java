package com.smartchat.host.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Guards every request whose path names a Space ({@code {space}}): a user who may not see it gets the same 404 as
 * for a Space that does not exist, and so learns nothing about it. Fails closed: a path value that is not a
 * canonical id is refused here, and the handler reads the id with the same {@link CanonicalIds}, so the two cannot
 * disagree about which Space a request names.
 */
@Component
public class SpaceAccessInterceptor implements HandlerInterceptor {

    private final SpaceAccess access;

    public SpaceAccessInterceptor(SpaceAccess access) {
        this.access = access;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        @SuppressWarnings("unchecked")
        Map<String, String> variables =
                (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String space = variables == null ? null : variables.get("space");
        if (space != null) {
            UUID spaceId = CanonicalIds.parse(space).orElseThrow(SpaceAccessInterceptor::notAnId);
            if (!access.canSee(spaceId)) {
                throw SpaceAccess.notFound(spaceId);
            }
        }
        return true;
    }

    private static ErrorResponseException notAnId() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "There is no such Space.");
        problem.setTitle("Space not found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }
}
