-- One provider's scope (packgen serve), run after the engine's peer_sets.sql in a schema of its
-- own: keep only what the provider's figures depend on, so that the engine's benchmarks.sql and
-- results.sql, run next in the same schema, compute exactly the provider's rows of a full run
-- and nothing else.
-- * Its benchmarks depend only on the members of its own peer set: drop the other sets' members.
-- * results.sql joins every metric row to its provider's peer set: keeping the provider's peer
--   set row alone leaves the provider's result rows alone.
delete from engine_peer_members
where peer_set is distinct from (
    select peer_set from engine_peer_sets where provider_code = $provider
);

delete from engine_peer_sets where provider_code <> $provider;
