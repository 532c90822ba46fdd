package com.smartchat.host.security;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What a platform admin does on the users page: create Space admins, set passwords, grant and revoke Spaces, and
 * delete users. Refusals name the field to correct; passwords are hashed here and never logged.
 */
@Service
public class UserAdministration {

    private static final Logger log = LoggerFactory.getLogger(UserAdministration.class);

    /** The shortest password accepted. */
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final int MAX_PASSWORD_BYTES = 72; // bcrypt reads no further

    private final UserAccounts accounts;
    private final PasswordEncoder passwords;
    private final SessionRegistry sessions;

    public UserAdministration(UserAccounts accounts, PasswordEncoder passwords, SessionRegistry sessions) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.sessions = sessions;
    }

    /** A request the users page refuses, with the field to correct ({@code username}, {@code password}, ...). */
    public static final class Refused extends RuntimeException {
        private final String field;

        public Refused(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * Creates a Space admin, who sees no Space until one is granted. Not one transaction: the database's unique key
     * decides between two requests racing for look-alike names, and the loser is then told whose name it is.
     *
     * @return the name as stored ({@link UserNames#normalise})
     */
    public String createSpaceAdmin(String username, String password, String actor) {
        String name = UserNames.normalise(username);
        String problem = UserNames.problem(name);
        if (problem != null) {
            throw new Refused("username", problem);
        }
        checkPassword(password);
        Optional<String> existing = accounts.sameNameAs(name);
        try {
            if (existing.isEmpty()) {
                accounts.save(name, passwords.encode(password), Role.SPACE_ADMIN);
            }
        } catch (DuplicateKeyException raced) {
            existing = accounts.sameNameAs(name);
        }
        if (existing.isPresent()) {
            throw new Refused("username", existing.get().equals(name) ? "There is already a user named " + name + "."
                    : "There is already a user named " + existing.get() + ": " + name + " would be taken for them. "
                    + "Choose a name that differs by more than upper and lower case.");
        }
        log.info("{} created the Space admin {}", actor, name);
        return name;
    }

    /** Sets a user's password. */
    @Transactional
    public void setPassword(String username, String password, String actor) {
        UserAccounts.Account account = existing(username);
        checkPassword(password);
        accounts.save(account.username(), passwords.encode(password), account.role());
        signOutEverywhere(account.username());
        log.info("{} set the password of {}", actor, account.username());
    }

    /** Lets a Space admin administer a Space. */
    @Transactional
    public void grant(String username, UUID spaceId, String actor) {
        UserAccounts.Account account = existing(username);
        if (account.role() != Role.SPACE_ADMIN) {
            throw new Refused("space", account.username() + " is a platform admin and sees every Space already.");
        }
        if (spaceId == null) {
            throw new Refused("space", "Choose a Space to grant.");
        }
        try {
            accounts.grant(account.username(), spaceId);
        } catch (DataIntegrityViolationException noSuchSpace) {
            throw new Refused("space", "Choose a Space to grant.");
        }
        log.info("{} granted Space {} to {}", actor, spaceId, account.username());
    }

    /** Takes a Space away from a Space admin. */
    public void revoke(String username, UUID spaceId, String actor) {
        UserAccounts.Account account = existing(username);
        accounts.revoke(account.username(), spaceId);
        log.info("{} revoked Space {} from {}", actor, spaceId, account.username());
    }

    /** Deletes a user; never the acting user, so that a platform admin always remains. */
    @Transactional
    public void delete(String username, String actor) {
        UserAccounts.Account account = existing(username);
        if (account.username().equals(actor)) {
            throw new Refused("username", "You cannot delete yourself.");
        }
        accounts.delete(account.username());
        signOutEverywhere(account.username());
        log.info("{} deleted the user {}", actor, account.username());
    }

    /**
     * Ends the user's signed-in page sessions (their next request goes to the sign-in page), except the session
     * making this request: an admin who changes their own password stays signed in here.
     */
    private void signOutEverywhere(String username) {
        String current = RequestContextHolder.getRequestAttributes() == null ? null
                : RequestContextHolder.getRequestAttributes().getSessionId();
        // the sessions in the session store, by user name: those of every host
        sessions.getAllSessions(username, false).stream()
                .filter(session -> !session.getSessionId().equals(current))
                .forEach(SessionInformation::expireNow);
    }

    private UserAccounts.Account existing(String username) {
        return accounts.find(username == null ? "" : username)
                .orElseThrow(() -> new Refused("username", "There is no user named " + username + "."));
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new Refused("password", "A password has at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new Refused("password", "A password has at most " + MAX_PASSWORD_BYTES + " characters (fewer with "
                    + "accented letters or symbols).");
        }
        if (password.isBlank()) {
            throw new Refused("password", "A password cannot be only spaces.");
        }
    }
}
