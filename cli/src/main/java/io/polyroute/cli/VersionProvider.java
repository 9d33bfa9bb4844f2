package io.polyroute.cli;

import picocli.CommandLine;

/** Reports the build version from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = PolyrouteCli.class.getPackage().getImplementationVersion();
        return new String[] {"polyroute " + (v == null ? "(development build)" : v)};
    }
}
