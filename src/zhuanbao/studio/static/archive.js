// archive: filled by its part of the studio.
"use strict";
