-- Several hosts on one PostgreSQL database (smartchat.cluster.enabled): unused by a host alone.

-- The live hosts: each renews its row every heartbeat, and removes it when it stops normally.
create table cluster_host (
    id            varchar(100) primary key,
    address       varchar(300) not null,
    version       varchar(50) not null,
    started_at    timestamp with time zone not null,
    heartbeat_at  timestamp with time zone not null
);

-- Which host runs a channel: the owner until expires_at, renewed with every heartbeat of the owner. The epoch
-- grows each time the lease changes hands, so that a host giving back a lease it lost meanwhile gives back nothing.
create table channel_lease (
    channel_id  uuid primary key references channel (id) on delete cascade,
    owner       varchar(100),
    expires_at  timestamp with time zone not null,
    epoch       bigint not null
);

create index channel_lease_owner on channel_lease (owner);
