package com.smartchat.host.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses requests to the API that a browser makes for another site. The API takes credentials a browser caches
 * (HTTP Basic), so without this a page elsewhere could post a form to it, with no body at all, and stop a channel.
 * Programs send neither {@code Sec-Fetch-Site} nor {@code Origin} and are let through; browsers send
 * {@code Sec-Fetch-Site} with every request, and {@code Origin} with every POST, PATCH and DELETE. Runs before
 * authentication, so a refused request costs no password check.
 */
public class CrossSiteApiFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (crossSite(request)) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("{\"title\":\"Cross-site request\",\"status\":403,"
                    + "\"detail\":\"The API does not take requests that a browser makes for another site.\"}");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean crossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            // "none": typed into the address bar or a bookmark; "same-site" is another origin all the same
            String value = site.trim().toLowerCase(Locale.ROOT);
            return !value.equals("same-origin") && !value.equals("none");
        }
        String origin = request.getHeader("Origin");
        return origin != null && !sameOrigin(origin, request);
    }

    private static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI uri = URI.create(origin.trim());
            int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return uri.getScheme().equalsIgnoreCase(request.getScheme())
                    && uri.getHost() != null && uri.getHost().equalsIgnoreCase(request.getServerName())
                    && port == request.getServerPort();
        } catch (IllegalArgumentException | NullPointerException notAnOrigin) {
            return false; // "null" (a sandboxed frame, a file) or garbage: not this origin
        }
    }
}
