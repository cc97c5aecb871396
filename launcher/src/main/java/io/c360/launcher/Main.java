package io.c360.launcher;

import org.neo4j.server.CommunityBootstrapper;
import org.neo4j.server.NeoBootstrapper;

/**
 * Starts the Neo4j Community server (Bolt, HTTP API, Neo4j Browser) from Maven Central jars.
 *
 * <p>The distribution's own entry point is not published to Maven Central, so this is the few
 * lines it would be. Arguments pass straight through: {@code --home-dir=H --config-dir=H/conf}.
 * The bootstrapper installs a shutdown hook, so SIGTERM stops the database cleanly.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = NeoBootstrapper.start(new CommunityBootstrapper(), args);
        if (status != 0) {
            System.exit(status);
        }
    }
}
