package com.smartchat.host.spaces;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Stores Spaces. */
@Repository
public class SpaceRepository {

    /** By column names: JdbcClient's default mapper asks for "createdAt" first, which H2 answers with an exception. */
    private static final RowMapper<Space> SPACE = new DataClassRowMapper<>(Space.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    public SpaceRepository(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Space create(String name) {
        Space space = new Space(UUID.randomUUID(), name, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        jdbc.sql("insert into space (id, name, created_at) values (:id, :name, :createdAt)")
                .param("id", space.id()).param("name", space.name()).param("createdAt", space.createdAt())
                .update();
        return space;
    }

    public Optional<Space> find(UUID id) {
        return jdbc.sql("select id, name, created_at from space where id = :id").param("id", id)
                .query(SPACE).optional();
    }

    public List<Space> findAll() {
        return jdbc.sql("select id, name, created_at from space order by name, id").query(SPACE).list();
    }
}
