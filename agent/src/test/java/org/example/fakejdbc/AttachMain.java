package org.example.fakejdbc;

import com.sun.tools.attach.VirtualMachine;

import java.sql.Connection;
import java.sql.Driver;
import java.util.Properties;

/**
 * Dynamic attach ({@code Agent-Class}): the driver is loaded and used before the agent arrives, then the program
 * attaches the agent jar to itself; the loaded driver class is retransformed and its next connection is guarded.
 * {@code AttachMain <agent-jar> <agent-arguments>}; needs {@code -Djdk.attach.allowAttachSelf=true}.
 */
public final class AttachMain {

    private AttachMain() {
    }

    public static void main(String[] args) throws Exception {
        Driver driver = new SmokeMain.FakeDriver();
        try (Connection before = driver.connect("jdbc:fake:before", new Properties())) {
            System.out.println("BEFORE " + before.getClass().getName());
        }
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0], args[1]);
        } finally {
            vm.detach();
        }
        try (Connection after = driver.connect("jdbc:fake:after", new Properties())) {
            System.out.println("AFTER " + after.getClass().getName());
        }
    }
}
