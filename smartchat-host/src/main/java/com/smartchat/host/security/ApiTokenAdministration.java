package com.smartchat.host.security;

import com.smartchat.host.names.NameRule;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * What a platform admin does with API tokens, on the users page or through the API: create one for a user (shown
 * once), list them (name and times, never the token) and revoke one. Each is logged, without the token.
 */
@Service
public class ApiTokenAdministration {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenAdministration.class);

    private final UserAccounts accounts;
    private final ApiTokens tokens;

    public ApiTokenAdministration(UserAccounts accounts, ApiTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    public List<ApiTokens.TokenInfo> list(String username) {
        return tokens.list(existing(username));
    }

    /**
     * Creates a token for a user.
     *
     * @throws UserAdministration.Refused when the name is empty, too long or holds invisible characters
     */
    public ApiTokens.NewToken create(String username, String name, String actor) {
        String user = existing(username);
        String tokenName = name == null ? "" : name.strip();
        String problem = tokenName.isEmpty() ? "Name the token after the program that will use it."
                : tokenName.length() > 100 ? "A token name can be at most 100 characters long."
                : NameRule.problem(tokenName, "A token name");
        if (problem != null) {
            throw new UserAdministration.Refused("name", problem);
        }
        ApiTokens.NewToken token = tokens.create(user, tokenName);
        log.info("{} created the API token {} ('{}') for {}", actor, token.id(), tokenName, user);
        return token;
    }

    public void revoke(String username, UUID id, String actor) {
        String user = existing(username);
        if (id == null || !tokens.revoke(user, id)) {
            throw ApiTokenController.notFound(user + " has no API token " + id + ".");
        }
        log.info("{} revoked the API token {} of {}", actor, id, user);
    }

    private String existing(String username) {
        return accounts.find(username == null ? "" : username).map(UserAccounts.Account::username)
                .orElseThrow(() -> ApiTokenController.notFound("There is no user named " + username + "."));
    }
}
