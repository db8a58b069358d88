export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const who = env.API_KEY ? "with a secret" : "without a secret";
    return new Response(`${env.GREETING} from ${url.hostname}, ${who}\n`);
  },
};
