package com.smartchat.host.web;

import com.smartchat.host.security.SpaceAccessInterceptor;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Spring MVC settings of the host. */
@Configuration
public class WebConfiguration implements WebMvcConfigurer {

    private final SpaceAccessInterceptor spaceAccess;

    public WebConfiguration(SpaceAccessInterceptor spaceAccess) {
        this.spaceAccess = spaceAccess;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(spaceAccess);
    }
}
