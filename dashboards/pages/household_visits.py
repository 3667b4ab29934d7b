"""Household visit list (入户走访清单) for grid workers: the households of their own grid(s), masked names
and phones, tier and care needs, most urgent first. Viewing and exporting the list are audited."""

import streamlit as st

from dashboards.access import audit, current_user
from dashboards.components.page import page_snapshot
from dashboards.data import query
from dashboards.i18n import name_column, t

TIERS = ("red", "yellow", "green")
COLUMNS = {"grid": "grid", "building": "building", "unit": "unit", "room": "room",
           "head_name_mask": "head_name", "head_phone_mask": "head_phone", "members": "members",
           "tier": "tier", "needs": "needs", "visit_priority": "visit_priority"}

snapshot = page_snapshot("page_visits", as_of_caption=False)
user = current_user()
if not user.can("view_households"):
    st.warning(t("no_household_permission"))
    st.stop()
st.caption(t("visits_caption", date=snapshot.as_of))

name = name_column()
households = query(snapshot, f"""
    select v.*, g.{name} as grid
    from mart_household_visits as v join dim_grids as g using (grid_id)
    order by v.visit_priority, v.grid_id, v.building, v.unit, v.room""")
if households.empty:
    st.info(t("no_households"))
    st.stop()

left, right = st.columns(2)
grid_names = dict(zip(households["grid_id"], households["grid"], strict=False))
chosen_grids = left.multiselect(t("grid"), list(grid_names), default=list(grid_names),
                                format_func=grid_names.get, key="visit_grids")
chosen_tiers = right.multiselect(t("tier"), TIERS, default=list(TIERS), format_func=lambda x: t(f"tier_{x}"),
                                 key="visit_tiers")
shown = households[households["grid_id"].isin(chosen_grids) & households["household_tier"].isin(chosen_tiers)]
needs = {"focus_persons": "care_focus_persons", "elderly_alone": "care_elderly_alone", "disabled": "care_disabled",
         "low_income": "care_low_income", "minors_left_behind": "care_minors_left_behind"}
shown = shown.assign(
    tier=shown["household_tier"].map(lambda x: t(f"tier_{x}")),
    needs=shown.apply(lambda h: "、".join(t(label) for column, label in needs.items() if h[column] > 0), axis=1))

viewed = (snapshot.version, user.user_id, tuple(sorted(chosen_grids)), tuple(sorted(chosen_tiers)))
if st.session_state.get("visit_list_logged") != viewed:
    audit(user, "view_household_list", snapshot=snapshot.version, grids=sorted(chosen_grids),
          tiers=sorted(chosen_tiers), rows=len(shown))
    st.session_state["visit_list_logged"] = viewed

counts = shown["household_tier"].value_counts()
for column, tier in zip(st.columns(len(TIERS) + 1), (*TIERS, None), strict=True):
    if tier is None:
        column.metric(t("households_axis"), f"{len(shown):,}")
    else:
        column.metric(t(f"tier_{tier}"), f"{int(counts.get(tier, 0)):,}")
table = shown[list(COLUMNS)].rename(columns={c: t(f"visit_{key}") if key not in ("grid", "tier") else t(key)
                                             for c, key in COLUMNS.items()})
st.dataframe(table, hide_index=True, width="stretch", key="visit_table")

if user.can("export_households"):
    if st.button(t("export_prepare"), key="export_visits"):
        audit(user, "export_household_list", snapshot=snapshot.version, grids=sorted(chosen_grids),
              tiers=sorted(chosen_tiers), rows=len(shown))
        st.session_state["visit_export_ready"] = viewed
    if st.session_state.get("visit_export_ready") == viewed:
        export = table.to_csv(index=False).encode("utf-8-sig")
        st.download_button(t("export_download"), export, file_name=f"visits_{snapshot.as_of}.csv", mime="text/csv",
                           key="download_visits")
