-- One provider's drill-down scope (packgen serve): the drill-down SQL reads the staged NCC rows
-- of the providers in result_rows; the scope holds one provider's, in a table that shadows the
-- main schema's, so that the SQL reads its few thousand rows rather than every provider's.
create table stg_ncc_rows as
select * from main.stg_ncc_rows where provider_code = $provider;
