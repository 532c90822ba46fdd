package com.smartchat.host.web.ui;

import com.smartchat.host.security.ApiTokenAdministration;
import com.smartchat.host.security.ApiTokens;
import com.smartchat.host.security.Role;
import com.smartchat.host.security.UserAccounts;
import com.smartchat.host.security.UserAdministration;
import com.smartchat.host.spaces.Space;
import com.smartchat.host.spaces.SpaceRepository;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The users page, for platform admins only (the security chain tells anyone else it does not exist): create Space
 * admins, set passwords, grant and revoke Spaces, create and revoke API tokens, delete users.
 */
@Controller
@RequestMapping("/users")
class UserPages {

    private final UserAccounts accounts;
    private final UserAdministration administration;
    private final SpaceRepository spaces;
    private final ApiTokens tokens;
    private final ApiTokenAdministration tokenAdministration;

    UserPages(UserAccounts accounts, UserAdministration administration, SpaceRepository spaces, ApiTokens tokens,
              ApiTokenAdministration tokenAdministration) {
        this.accounts = accounts;
        this.administration = administration;
        this.spaces = spaces;
        this.tokens = tokens;
        this.tokenAdministration = tokenAdministration;
    }

    /** A user as the page lists them, with their Spaces by name and their API tokens (never the tokens themselves). */
    record UserRow(String username, Role role, List<Space> granted, List<Space> grantable, boolean self,
                   List<ApiTokens.TokenInfo> tokens) {

        public boolean platformAdmin() {
            return role == Role.PLATFORM_ADMIN;
        }
    }

    @GetMapping
    String users(Model model, Principal principal) {
        return page(model, principal);
    }

    @PostMapping
    String create(@RequestParam(name = "username", defaultValue = "") String username,
                  @RequestParam(name = "password", defaultValue = "") String password, Model model,
                  Principal principal, RedirectAttributes redirect, HttpServletResponse response) {
        String created;
        try {
            created = administration.createSpaceAdmin(username, password, Pages.actor(principal));
        } catch (UserAdministration.Refused e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("newUsername", username);
            model.addAttribute(e.field().equals("password") ? "passwordError" : "usernameError", e.getMessage());
            return page(model, principal);
        }
        redirect.addFlashAttribute("notice", "Created the Space admin " + created
                + ". Grant them a Space below: until then they see none.");
        return "redirect:/users";
    }

    @PostMapping("/{username}/password")
    String setPassword(@PathVariable("username") String username,
                       @RequestParam(name = "password", defaultValue = "") String password, Principal principal,
                       RedirectAttributes redirect) {
        return act(redirect, () -> administration.setPassword(username, password, Pages.actor(principal)),
                "Set a new password for " + username + ".");
    }

    @PostMapping("/{username}/grants")
    String grant(@PathVariable("username") String username,
                 @RequestParam(name = "space", required = false) UUID spaceId, Principal principal,
                 RedirectAttributes redirect) {
        return act(redirect, () -> administration.grant(username, spaceId, Pages.actor(principal)),
                username + " can now administer " + spaceName(spaceId) + ".");
    }

    @PostMapping("/{username}/grants/{space}/revoke")
    String revoke(@PathVariable("username") String username, @PathVariable("space") UUID spaceId,
                  Principal principal, RedirectAttributes redirect) {
        return act(redirect, () -> administration.revoke(username, spaceId, Pages.actor(principal)),
                username + " no longer administers " + spaceName(spaceId) + ".");
    }

    @PostMapping("/{username}/delete")
    String delete(@PathVariable("username") String username, Principal principal, RedirectAttributes redirect) {
        return act(redirect, () -> administration.delete(username, Pages.actor(principal)), "Deleted " + username + ".");
    }

    /**
     * Creates an API token and shows it on this answer, the one time it is ever shown: not through a redirect, which
     * would keep it in the session until the next page.
     */
    @PostMapping("/{username}/tokens")
    String createToken(@PathVariable("username") String username,
                       @RequestParam(name = "name", defaultValue = "") String name, Model model, Principal principal,
                       RedirectAttributes redirect) {
        try {
            ApiTokens.NewToken token = tokenAdministration.create(username, name, Pages.actor(principal));
            model.addAttribute("newToken", token);
            model.addAttribute("newTokenUser", username);
            return page(model, principal);
        } catch (UserAdministration.Refused e) {
            redirect.addFlashAttribute("error", e.getMessage());
            return "redirect:/users";
        }
    }

    @PostMapping("/{username}/tokens/{token}/revoke")
    String revokeToken(@PathVariable("username") String username, @PathVariable("token") UUID tokenId,
                       Principal principal, RedirectAttributes redirect) {
        tokenAdministration.revoke(username, tokenId, Pages.actor(principal));
        redirect.addFlashAttribute("notice", "Revoked the API token. Programs using it are refused from now on.");
        return "redirect:/users";
    }

    private String act(RedirectAttributes redirect, Runnable action, String done) {
        try {
            action.run();
            redirect.addFlashAttribute("notice", done);
        } catch (UserAdministration.Refused e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/users";
    }

    private String page(Model model, Principal principal) {
        List<Space> all = spaces.findAll();
        String me = Pages.actor(principal);
        model.addAttribute("users", accounts.list().stream().map(account -> new UserRow(account.username(),
                account.role(), all.stream().filter(space -> account.spaces().contains(space.id())).toList(),
                all.stream().filter(space -> !account.spaces().contains(space.id())).toList(),
                account.username().equals(me), tokens.list(account.username()))).toList());
        model.addAttribute("minPasswordLength", UserAdministration.MIN_PASSWORD_LENGTH);
        return "users";
    }

    private String spaceName(UUID spaceId) {
        return spaceId == null ? "the Space" : spaces.find(spaceId).map(Space::name).orElse("the Space");
    }
}
