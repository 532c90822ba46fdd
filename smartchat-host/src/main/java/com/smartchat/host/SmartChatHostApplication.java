package com.smartchat.host;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Starts the SmartChat channels host. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SmartChatHostApplication {

    public static void main(String[] args) {
        SpringApplication.run(SmartChatHostApplication.class, args);
    }

    /** The host's time; tests replace it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
