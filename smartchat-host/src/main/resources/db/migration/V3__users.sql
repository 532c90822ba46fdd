-- Who may administer what: platform admins see every Space, Space admins the Spaces granted to them.

create table app_user (
    username       varchar(100) primary key,
    password_hash  varchar(200) not null,
    role           varchar(20) not null,    -- PLATFORM_ADMIN or SPACE_ADMIN
    created_at     timestamp with time zone not null
);

create table space_grant (
    username  varchar(100) not null references app_user (username) on delete cascade,
    space_id  uuid not null references space (id) on delete cascade,
    primary key (username, space_id)
);
