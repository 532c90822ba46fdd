package com.smartchat.host.security;

/** What a user may administer. */
public enum Role {
    /** Every Space, and the users. */
    PLATFORM_ADMIN,
    /** Only the Spaces granted to them. */
    SPACE_ADMIN;

    /** The Spring Security authority of this role. */
    public String authority() {
        return "ROLE_" + name();
    }
}
