package com.smartchat.host.sandbox;

import com.smartchat.host.security.SpaceAccess;
import java.security.Principal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What the shared page header needs on the sandbox's pages, as the admin pages' own model provides it: who is
 * signed in, and whether they administer the platform.
 */
@ControllerAdvice(basePackageClasses = SandboxPageModel.class)
class SandboxPageModel {

    private final SpaceAccess access;

    SandboxPageModel(SpaceAccess access) {
        this.access = access;
    }

    @ModelAttribute("currentUser")
    String currentUser(Principal principal) {
        return principal == null ? null : principal.getName();
    }

    @ModelAttribute("platformAdmin")
    boolean platformAdmin() {
        return access.isPlatformAdmin();
    }
}
