package com.smartchat.host.web.ui;

import com.smartchat.host.security.SpaceAccess;
import java.security.Principal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's header needs: who is signed in, and whether they administer the platform. */
@ControllerAdvice(basePackageClasses = PageModel.class)
class PageModel {

    private final SpaceAccess access;

    PageModel(SpaceAccess access) {
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
