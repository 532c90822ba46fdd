package com.smartchat.host.web.ui;

import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The front door: the sign-in page, and the start page (the Spaces). */
@Controller
class HomePages {

    @GetMapping("/")
    String home() {
        return "redirect:/spaces";
    }

    @GetMapping("/login")
    String login(Principal principal) {
        return principal == null ? "login" : "redirect:/spaces";
    }
}
