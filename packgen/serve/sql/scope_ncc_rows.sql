-- One acute cell's drill-down scope (packgen serve): acute_cost_hrg.sql shares each cell's
-- opportunity among the cell's own staged NCC rows; the scope holds one cell's result row and,
-- in a table that shadows the main schema's, that cell's NCC rows of the provider, so that the
-- SQL reads a few dozen rows rather than every provider's.
create table stg_ncc_rows as
select *
from main.stg_ncc_rows
where provider_code = $provider
    and department_code = $department_code
    and service_code = $service_code;
