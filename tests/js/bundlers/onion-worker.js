// A Worker on `ln-sendpay/onion`: no init() (its `workerd` entry starts and warms it up).
import { work } from './onion-app.js';

export default {
  fetch() {
    return Response.json(work());
  },
};
