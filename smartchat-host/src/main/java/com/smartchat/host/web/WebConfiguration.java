package com.smartchat.host.web;

import com.smartchat.host.security.CanonicalIds;
import com.smartchat.host.security.SpaceAccessInterceptor;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Spring MVC settings of the host. */
@Configuration
public class WebConfiguration implements WebMvcConfigurer {

    private final SpaceAccessInterceptor spaceAccess;

    public WebConfiguration(SpaceAccessInterceptor spaceAccess) {
        this.spaceAccess = spaceAccess;
    }

    /**
     * {@code /error} is where the server renders errors; asked for directly it is no page (Boot would answer 500,
     * "status 999"), so it does not exist.
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> errorPathAskedForDirectly() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws IOException {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
            }
        });
        registration.addUrlPatterns("/error");
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /** Ids in paths and parameters are read strictly, as the Space access check reads them. */
    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, UUID.class, new CanonicalIds());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(spaceAccess);
    }
}
