package com.smartchat.host;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the SmartChat channels host. */
@SpringBootApplication
public class SmartChatHostApplication {

    public static void main(String[] args) {
        SpringApplication.run(SmartChatHostApplication.class, args);
    }
}
