// Start GOV.UK Frontend's components (a module file, as the Content-Security-Policy allows no inline script).
import { initAll } from "../vendor/govuk-frontend.min.js";

initAll();
