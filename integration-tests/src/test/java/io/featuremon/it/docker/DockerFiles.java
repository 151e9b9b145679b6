package io.featuremon.it.docker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/** What the tests of docker/ share: where the files are, the external tools, and the topics the stack creates. */
final class DockerFiles {

    /** The repository root: failsafe and surefire run in integration-tests/. */
    static final Path ROOT = Path.of(System.getProperty("featuremon.root", "..")).toAbsolutePath().normalize();
    static final Path DOCKER = ROOT.resolve("docker");

    private DockerFiles() {
    }

    /** A command's exit code and its output (stdout and stderr together). */
    record Result(int exit, String output) {
    }

    /**
     * The path of {@code tool} on the PATH (or {@code tool} itself when it is a path that exists). Missing: the test
     * is skipped, or fails under CI=true (.ci/run installs every tool these tests use).
     */
    static String require(String tool, String debianPackage) {
        Path given = Path.of(tool);
        if (given.isAbsolute() && Files.isExecutable(given)) {
            return tool;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        missing(tool + " is not installed: `apt-get install -y " + debianPackage + "` (.ci/run does)");
        return null; // not reached
    }

    static void missing(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** Runs a command in the repository root and waits (at most 2 minutes) for it. */
    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 2 minutes");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** A topic of docker/kafka/create-topics.sh. */
    record Topic(String name, int partitions, Map<String, String> configs) {
    }

    private static final Pattern CREATE = Pattern.compile("^create\\s+(\\S+)\\s+(\\S+)(.*?)(#.*)?$");
    private static final Pattern CONFIG = Pattern.compile("--config\\s+(\\S+?)=(\\S+)");

    /**
     * The topics docker/kafka/create-topics.sh creates, read from its {@code create NAME PARTITIONS [--config k=v]}
     * lines; {@code "$partitions"} is its default, 6.
     */
    static List<Topic> topicsOfCreateScript() throws IOException {
        List<Topic> topics = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKER.resolve("kafka/create-topics.sh"))) {
            Matcher m = CREATE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Map<String, String> configs = new LinkedHashMap<>();
            Matcher c = CONFIG.matcher(m.group(3));
            while (c.find()) {
                configs.put(c.group(1), c.group(2));
            }
            String count = m.group(2).equals("\"$partitions\"") ? "6" : m.group(2);
            topics.add(new Topic(m.group(1), Integer.parseInt(count), configs));
        }
        return topics;
    }
}
