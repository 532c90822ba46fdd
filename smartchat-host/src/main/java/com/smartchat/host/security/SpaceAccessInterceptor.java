package com.smartchat.host.security;

import com.smartchat.host.spaces.SpaceController;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Guards every request whose path names a Space ({@code {space}}): a user who may not see it gets the same 404 as
 * for a Space that does not exist, and so learns nothing about it.
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
            UUID spaceId;
            try {
                spaceId = UUID.fromString(space);
            } catch (IllegalArgumentException e) {
                return true; // not an id: the handler answers 404 for it
            }
            if (!access.canSee(spaceId)) {
                throw SpaceController.notFound(spaceId);
            }
        }
        return true;
    }
}
