package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.WebSession.Page;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The platform admin's users page: Space admins are created, given passwords and Spaces, and taken away again. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UsersPageTest {

    @LocalServerPort
    int port;

    @Test
    void aSpaceAdminIsCreatedGrantedASpaceGivenANewPasswordRevokedAndDeleted() {
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        String space = platform.post("/spaces", Map.of("name", "Granted Space")).location().replaceFirst("^https?://[^/]+", "");
        String spaceId = space.substring(space.lastIndexOf('/') + 1);

        Page tooShort = platform.post("/users", Map.of("username", "bob.agent", "password", "short"));
        assertThat(tooShort.status()).isEqualTo(422);
        assertThat(tooShort.body()).contains("id=\"new-password-error\"", "at least 12 characters", "value=\"bob.agent\"")
                .doesNotContain("value=\"short\"");
        Page badName = platform.post("/users", Map.of("username", "x", "password", "long-enough-password"));
        assertThat(badName.body()).contains("id=\"new-username-error\"");

        assertThat(platform.submit("/users", Map.of("username", "bob.agent", "password", "first-password-1")).body())
                .contains("Created the Space admin bob.agent", "No Spaces granted yet");
        assertThat(platform.post("/users", Map.of("username", "bob.agent", "password", "first-password-1")).body())
                .contains("already a user named bob.agent");
        WebSession bob = WebSession.signIn(port, "bob.agent", "first-password-1");
        assertThat(bob.get(space).status()).isEqualTo(404);

        assertThat(platform.submit("/users/bob.agent/grants", Map.of("space", spaceId)).body())
                .contains("bob.agent can now administer Granted Space.");
        assertThat(bob.get(space).status()).isEqualTo(200);
        assertThat(bob.get("/spaces").body()).contains("Granted Space");

        assertThat(platform.submit("/users/bob.agent/password", Map.of("password", "second-password-2")).body())
                .contains("Set a new password for bob.agent.");
        assertThat(bob.get("/spaces").location()).as("signed out by the new password").contains("/login?expired");
        assertThatThrownBy(() -> WebSession.signIn(port, "bob.agent", "first-password-1"))
                .hasMessageContaining("failed");
        WebSession bobAgain = WebSession.signIn(port, "bob.agent", "second-password-2");

        assertThat(platform.submit("/users/bob.agent/grants/" + spaceId + "/revoke", Map.of()).body())
                .contains("bob.agent no longer administers Granted Space.");
        assertThat(bobAgain.get(space).status()).isEqualTo(404);

        assertThat(platform.submit("/users/admin/delete", Map.of()).body()).contains("You cannot delete yourself.");
        assertThat(platform.submit("/users/bob.agent/delete", Map.of()).body()).contains("Deleted bob.agent.")
                .doesNotContain("data-user=\"bob.agent\"");
        assertThat(bobAgain.get("/spaces").location()).as("signed out when deleted").contains("/login?expired");
        assertThatThrownBy(() -> WebSession.signIn(port, "bob.agent", "second-password-2")).hasMessageContaining("failed");
    }
}
