// The fault suite (fault-suite.mjs) in headless Firefox ESR, driven by geckodriver.
import { faultSuite } from "./fault-suite.mjs";
import { openPage } from "./webdriver.mjs";

faultSuite("firefox", (url) => openPage("firefox", url));
