package org.adgraph.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs Neo4j Community embedded, configured entirely by a neo4j.conf that the
 * Python side writes (`adgraph db start`), until SIGTERM.
 *
 * Usage: Launcher HOME_DIR CONF_FILE
 *
 * Authentication: embedded Neo4j starts the `neo4j` user with the well-known
 * password "neo4j". So that Bolt never listens while that password is valid,
 * the first start of a store runs with Bolt off, sets the password from the
 * environment variable ADGRAPH_NEO4J_INITIAL_PASSWORD (never argv: argv is
 * visible to every local user), records that in a marker file, shuts down and
 * starts again with Bolt on.
 */
public final class Launcher {
    private static final String PASSWORD_ENV = "ADGRAPH_NEO4J_INITIAL_PASSWORD";
    private static final String MARKER = "adgraph-auth-initialized";

    // The DBMS that is up, if any. Starting and stopping hold this lock, so a SIGTERM that
    // arrives while Neo4j is still starting waits for it and then shuts it down cleanly.
    private static final Object LOCK = new Object();
    private static DatabaseManagementService running;
    private static boolean stopping;

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher HOME_DIR CONF_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        Path marker = home.resolve("data").resolve(MARKER);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("adgraph-launcher: shutting down");
            synchronized (LOCK) {
                stopping = true;
                stopRunning();  // flushes and checkpoints: no recovery needed next start
            }
            System.out.println("adgraph-launcher: stopped");
            stopped.countDown();
        }, "adgraph-shutdown"));

        if (!Files.exists(marker)) {
            setInitialPassword(home, conf, marker);
        }
        if (start(new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf)) != null) {
            System.out.println("adgraph-launcher: ready");
        }
        stopped.await();
    }

    /** Builds and records the DBMS, unless shutdown has begun (then returns null). */
    private static DatabaseManagementService start(DatabaseManagementServiceBuilder builder) {
        synchronized (LOCK) {
            if (stopping) {
                return null;
            }
            running = builder.build();
            return running;
        }
    }

    private static void stopRunning() {
        synchronized (LOCK) {
            if (running != null) {
                running.shutdown();
                running = null;
            }
        }
    }

    private static void setInitialPassword(Path home, Path conf, Path marker) throws IOException {
        String password = System.getenv(PASSWORD_ENV);
        if (password == null || password.isEmpty() || password.equals("neo4j")) {
            System.err.println("adgraph-launcher: " + PASSWORD_ENV
                    + " must hold the password for a new store (and must not be 'neo4j')");
            System.exit(3);
        }
        DatabaseManagementService dbms = start(new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true));
        if (dbms == null) {
            return;
        }
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
        stopRunning();
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "initial password set; later changes are made with ALTER USER\n");
        System.out.println("adgraph-launcher: initial password set");
    }
}
