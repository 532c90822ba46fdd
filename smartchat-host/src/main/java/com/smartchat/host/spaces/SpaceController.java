package com.smartchat.host.spaces;

import com.smartchat.host.names.PlainName;
import com.smartchat.host.security.SpaceAccess;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/spaces}: list, create and read Spaces. */
@RestController
@RequestMapping("/api/spaces")
public class SpaceController {

    private final SpaceRepository spaces;
    private final SpaceAccess access;

    public SpaceController(SpaceRepository spaces, SpaceAccess access) {
        this.spaces = spaces;
        this.access = access;
    }

    /** What creating a Space takes. */
    public record NewSpace(@NotBlank @Size(max = 100) @PlainName String name) {
    }

    @GetMapping
    public List<Space> list() {
        return spaces.findAll().stream().filter(space -> access.canSee(space.id())).toList();
    }

    @PostMapping
    public ResponseEntity<Space> create(@Valid @RequestBody NewSpace request) {
        if (!access.isPlatformAdmin()) {
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                    "Only a platform admin can create Spaces."), null);
        }
        Space space = spaces.create(request.name().strip());
        return ResponseEntity.created(URI.create("/api/spaces/" + space.id())).body(space);
    }

    @GetMapping("/{space}")
    public Space get(@PathVariable("space") UUID id) {
        return spaces.find(id).orElseThrow(() -> SpaceAccess.notFound(id));
    }

    /** The problem for a Space that does not exist, or that the caller may not see. */
}
