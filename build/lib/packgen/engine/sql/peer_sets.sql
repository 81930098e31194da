-- Each provider's peer set, and the members of each set.
-- $peer_mode: 'sector' (default: same sector, acute and specialist together), 'peer_group'
-- (same ERIC trust type), 'region' (same sector group and NHS England region) or 'list' (the
-- providers in run_peer_list, within the provider's sector group).
create or replace table engine_peer_sets as
with provider_groups as (
    select p.provider_code, p.peer_group, p.region_code, s.benchmark_group
    from providers as p
    inner join ref_sectors as s using (sector)
)

select
    provider_code,
    benchmark_group,
    case $peer_mode
        when 'sector' then benchmark_group
        when 'peer_group' then peer_group
        when 'region' then benchmark_group || ' | ' || region_code
        when 'list' then benchmark_group || ' | listed peers'
    end as peer_set
from provider_groups;

create or replace table engine_peer_members as
select s.peer_set, s.provider_code
from engine_peer_sets as s
where $peer_mode <> 'list' or s.provider_code in (select provider_code from run_peer_list);
