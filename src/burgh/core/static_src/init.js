// Starts GOV.UK Frontend's components on every page. "govuk-frontend" is mapped to the served
// bundle by the import map in core/base.html, so this shares the one module instance.
import { initAll } from "govuk-frontend";

initAll();
