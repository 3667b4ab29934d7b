"""Household visit list (入户走访清单) for grid workers: the households of their own grid(s), masked names
and phones, tier and care needs, most urgent first. Viewing and exporting the list are audited."""

import streamlit as st

from dashboards.access import current_user
from dashboards.audit import audit, page_filter
from dashboards.components.export import audited_download
from dashboards.components.page import page_snapshot
from dashboards.i18n import name_column, t
from dashboards.queries import household_visits as visits

TIERS = ("red", "yellow", "green")
COLUMNS = {"grid": "grid", "building": "building", "unit": "unit", "room": "room",
           "head_name_mask": "head_name", "head_phone_mask": "head_phone", "members": "members",
           "tier": "tier", "needs": "needs", "visit_priority": "visit_priority"}
NEEDS = {"focus_persons": "care_focus_persons", "elderly_alone": "care_elderly_alone", "disabled": "care_disabled",
         "low_income": "care_low_income", "minors_left_behind": "care_minors_left_behind"}

snapshot = page_snapshot("household_visits", "page_visits", as_of_caption=False)
user = current_user()
st.caption(t("visits_caption", date=snapshot.as_of))

grids = visits.grids(snapshot)
if grids.empty:
    st.info(t("no_households"))
    st.stop()

left, right = st.columns(2)
grid_names = dict(zip(grids["grid_id"], grids[name_column()], strict=True))
chosen_grids = page_filter(left.multiselect, t("grid"), list(grid_names), default=list(grid_names),
                           format_func=grid_names.get, key="visit_grids")
chosen_tiers = page_filter(right.multiselect, t("tier"), TIERS, default=list(TIERS),
                           format_func=lambda x: t(f"tier_{x}"), key="visit_tiers")
shown = visits.households(snapshot, chosen_grids, chosen_tiers)
flags = shown[list(NEEDS)].gt(0).to_numpy()
needs = {combo: "、".join(t(label) for label, on in zip(NEEDS.values(), combo, strict=True) if on)
         for combo in set(map(tuple, flags))}   # at most 2⁵ combinations, translated once each
shown = shown.assign(grid=shown[name_column("grid_name")],
                     tier=shown["household_tier"].map({tier: t(f"tier_{tier}") for tier in TIERS}),
                     needs=[needs[tuple(row)] for row in flags])

viewed = (snapshot.version, user.user_id, tuple(sorted(chosen_grids)), tuple(sorted(chosen_tiers)))
if st.session_state.get("visit_list_logged") != viewed:
    audit(user, "household_list", snapshot=snapshot.version, grids=sorted(chosen_grids),
          tiers=sorted(chosen_tiers), rows=len(shown))
    st.session_state["visit_list_logged"] = viewed

counts = visits.tier_counts(snapshot, chosen_grids, chosen_tiers)
for column, tier in zip(st.columns(len(TIERS) + 1), (*TIERS, None), strict=True):
    if tier is None:
        column.metric(t("households_axis"), f"{len(shown):,}")
    else:
        column.metric(t(f"tier_{tier}"), f"{int(counts.get(tier, 0)):,}")
table = shown[list(COLUMNS)].rename(columns={c: t(f"visit_{key}") if key not in ("grid", "tier") else t(key)
                                             for c, key in COLUMNS.items()})
st.dataframe(table, hide_index=True, width="stretch", key="visit_table")

audited_download(t("export_csv"), table, f"visits_{snapshot.as_of}.csv", "export", key="export_visits",
                 permission="export_households", table="household_visits", snapshot=snapshot.version,
                 grids=sorted(chosen_grids), tiers=sorted(chosen_tiers))
