package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SsrfGuardTest {
  private final SsrfGuard strict = new SsrfGuard(false, List.of());

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
      "169.254.169.254", "100.64.0.1", "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
      "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1",
      "fd00:ec2::254"})
  void refusesInternalAddresses(String ip) throws Exception {
    assertThat(strict.refusal(InetAddress.getByName(ip))).as(ip).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"})
  void allowsPublicAddresses(String ip) throws Exception {
    assertThat(strict.refusal(InetAddress.getByName(ip))).as(ip).isEmpty();
  }

  @Test
  void allowListAndAllowPrivateOpenTheGuard() throws Exception {
    SsrfGuard listed = new SsrfGuard(false, List.of(Cidr.parse("10.20.0.0/16"), Cidr.parse("::1")));
    assertThat(listed.refusal(InetAddress.getByName("10.20.3.4"))).isEmpty();
    assertThat(listed.refusal(InetAddress.getByName("10.21.3.4"))).isPresent();
    assertThat(listed.refusal(InetAddress.getByName("::1"))).isEmpty();
    assertThat(new SsrfGuard(true, List.of()).refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
  }

  @Test
  void everyResolvedAddressIsCheckedSoOneInternalAnswerRefusesTheHost() throws Exception {
    SsrfGuard guard = new SsrfGuard(false, List.of(), host -> new InetAddress[] {
        InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")});
    assertThatThrownBy(() -> guard.resolve("rebind.example")).isInstanceOf(SsrfGuard.SsrfRefusedException.class)
        .hasMessageContaining("169.254.169.254");
    SsrfGuard ok = new SsrfGuard(false, List.of(), host -> new InetAddress[] {InetAddress.getByName("93.184.216.34")});
    assertThat(ok.resolve("example.com").getHostAddress()).isEqualTo("93.184.216.34");
  }

  @Test
  void cidrParsingRejectsHostNamesAndBadPrefixes() {
    assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Cidr.parse("10.0.0.0/8").toString()).isEqualTo("10.0.0.0/8");
  }
}
