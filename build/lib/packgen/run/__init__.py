"""The national run: every provider's pack, the national summary, regional packs and plan checks.

- `build.run_build` validates, loads and computes (or reuses a fresh store), builds every pack
  model once, renders the packs in a process pool (`workers`), then writes the national summary
  (`national`), the regional packs (`regional`) and `manifest.json` (`manifest`).
- `plans.check_plans` reads providers' 2026/27 plans and checks them against the packs.
"""
