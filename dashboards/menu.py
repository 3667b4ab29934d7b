"""The dashboards' menu, in sections (决策 / 业务 / 数据 / 管理): app.py builds each user's navigation from it."""

# The menu: page file, title key, icon, section key; the first page is the default. A user's menu holds the
# pages their role may open (access.PAGES), and only those open by URL.
MENU = [("views/cockpit.py", "page_cockpit", ":material/dashboard:", "section_decisions"),
        ("views/hotspots.py", "page_hotspots", ":material/local_fire_department:", "section_decisions"),
        ("views/incidents.py", "page_incidents", ":material/assignment_late:", "section_operations"),
        ("views/population.py", "page_population", ":material/groups:", "section_operations"),
        ("views/household_visits.py", "page_visits", ":material/home_pin:", "section_operations"),
        ("views/foot_traffic.py", "page_foot_traffic", ":material/storefront:", "section_operations"),
        ("views/devices.py", "page_devices", ":material/sensors:", "section_operations"),
        ("views/ratings.py", "page_ratings", ":material/star:", "section_decisions"),
        ("views/data_quality.py", "page_quality", ":material/fact_check:", "section_data"),
        ("views/audit_log.py", "page_audit", ":material/policy:", "section_admin")]
