package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Field;
import java.util.List;
import java.util.stream.Stream;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command is a Karaf service in scope p2p, with help text on itself and on every argument and option. */
class CommandAnnotationsTest {

    static Stream<Class<? extends P2pCommand>> commands() {
        return Stream.of(StatusCommand.class, IdentityCommand.class, PeersCommand.class, ChannelsCommand.class,
                ConnectCommand.class, DisconnectCommand.class, SendCommand.class, MessagesCommand.class,
                HandlersCommand.class, PacketsCommand.class, BlockCommand.class, UnblockCommand.class,
                BlocklistShowCommand.class,
                TrustCommand.class, UntrustCommand.class, InboundCommand.class, InboundAcceptCommand.class,
                InboundRejectCommand.class, PolicyCommand.class, AliasCommand.class, TaskIssueCommand.class,
                TasksCommand.class, RoutinesCommand.class, RoutineStartCommand.class, RoutineStopCommand.class,
                RoutineIntervalCommand.class, RoutineRunCommand.class, AddressBookCommand.class, BroadcastCommand.class, BroadcastStatsCommand.class,
                SendFileCommand.class, TransfersCommand.class, TransferCancelCommand.class, FilesCommand.class);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void isAServiceInScopeP2pWithHelpText(Class<? extends P2pCommand> type) {
        assertNotNull(type.getAnnotation(Service.class), type + " lacks @Service");
        Command command = type.getAnnotation(Command.class);
        assertEquals("p2p", command.scope());
        assertFalse(command.description().isBlank(), type + " has no description");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void describesEveryArgumentAndOption(Class<? extends P2pCommand> type) {
        for (Field field : fieldsOf(type)) {
            Option option = field.getAnnotation(Option.class);
            Argument argument = field.getAnnotation(Argument.class);
            if (option != null) {
                assertFalse(option.description().isBlank(), field + " has no description");
            }
            if (argument != null) {
                assertFalse(argument.description().isBlank(), field + " has no description");
            }
        }
    }

    private static List<Field> fieldsOf(Class<?> type) {
        return Stream.<Class<?>>iterate(type, c -> c != Object.class, Class::getSuperclass)
                .flatMap(c -> Stream.of(c.getDeclaredFields()))
                .toList();
    }
}
