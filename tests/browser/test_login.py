"""The browser harness itself: a demo account signs in and lands on its home page, in Chinese."""


def test_staff_signs_in_in_chinese(browser):
    browser.login("staff")
    page = browser.page
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".user-name").inner_text().strip() == "staff"
    browser.shot("login-home")
