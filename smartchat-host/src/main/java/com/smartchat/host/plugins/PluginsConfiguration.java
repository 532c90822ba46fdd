package com.smartchat.host.plugins;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the {@code smartchat.plugins.*} properties. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PluginsProperties.class)
class PluginsConfiguration {
}
