// The fault suite (fault-suite.mjs) in WebKit (WebKitGTK's MiniBrowser, the engine of Safari),
// driven by WebKitWebDriver under Xvfb.
import { faultSuite } from "./fault-suite.mjs";
import { openPage } from "./webdriver.mjs";

faultSuite("webkit", (url) => openPage("webkit", url));
