package com.smartchat.host.web.ui;

import com.smartchat.host.security.SignInRefusals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

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

    /**
     * The sign-in page again, with status 429, for a sign-in refused during a lock-out: the security chain forwards
     * it here with the seconds to wait (and has set Retry-After). Requested directly, it is the plain sign-in page.
     */
    @RequestMapping(SignInRefusals.THROTTLED_PAGE)
    String throttled(HttpServletRequest request, HttpServletResponse response, Model model) {
        Object retryAfter = request.getAttribute(SignInRefusals.RETRY_AFTER_ATTRIBUTE);
        if (retryAfter == null) {
            return "redirect:/login";
        }
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        model.addAttribute("retryAfter", retryAfter);
        return "login";
    }
}
