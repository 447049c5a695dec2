"""The API's Swagger UI works offline: served from installed static files, it lists the operations and a
signed-in cadre can try one (the site's session authenticates the API)."""


def test_swagger_ui_offline_lists_operations_and_tries_one(browser):
    page = browser.page
    # Any request that leaves the live server is aborted, and the harness fails the test on a failed request.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(browser.base_url)
               else route.abort())
    browser.login("cadre")
    browser.goto("/api/docs/")
    page.wait_for_selector("#operations-households-households_list")
    assert page.locator(".opblock").count() >= 90
    operation = page.locator("#operations-households-households_list")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert "632801" in operation.locator(".live-responses-table tbody .microlight").first.inner_text()
    browser.shot("api-docs")
