package com.smartchat.host.security;

import com.smartchat.host.names.PlainName;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/users/{user}/tokens}: a user's API tokens, for platform admins (the security chain refuses anyone
 * else). The token itself is in the answer to its creation and nowhere else.
 */
@RestController
@RequestMapping("/api/users/{user}/tokens")
public class ApiTokenController {

    private final ApiTokenAdministration administration;

    public ApiTokenController(ApiTokenAdministration administration) {
        this.administration = administration;
    }

    /** What creating a token takes: a name that says which program uses it. */
    public record NewTokenRequest(@NotBlank @Size(max = 100) @PlainName String name) {
    }

    @GetMapping
    public List<ApiTokens.TokenInfo> list(@PathVariable("user") String username) {
        return administration.list(username);
    }

    /** Creates a token; the answer holds it, once. */
    @PostMapping
    public ResponseEntity<ApiTokens.NewToken> create(@PathVariable("user") String username,
                                                     @Valid @RequestBody NewTokenRequest request, Principal principal) {
        ApiTokens.NewToken token;
        try {
            token = administration.create(username, request.name(), principal.getName());
        } catch (UserAdministration.Refused e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request has errors.");
            problem.setTitle("Invalid request");
            problem.setProperty("fieldErrors", Map.of(e.field(), List.of(e.getMessage())));
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
        return ResponseEntity.created(URI.create("/api/users/" + username + "/tokens/" + token.id())).body(token);
    }

    /** Revokes a token: the next request with it is refused. */
    @DeleteMapping("/{token}")
    public ResponseEntity<Void> revoke(@PathVariable("user") String username, @PathVariable("token") UUID id,
                                       Principal principal) {
        administration.revoke(username, id, principal.getName());
        return ResponseEntity.noContent().build();
    }

    /** The problem for a user or token that does not exist. */
    static ErrorResponseException notFound(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
        problem.setTitle("Not found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }
}
