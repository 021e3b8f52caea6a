// A Worker: no init() (the `workerd` export condition initialises on import).
import { work } from './app.js';

export default {
  fetch() {
    return Response.json(work());
  },
};
