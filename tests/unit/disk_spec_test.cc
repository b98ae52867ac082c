#include "common/disk_spec.h"

#include <string>

#include "catch2/catch.hpp"

namespace runcvm {
namespace {

std::string ErrorOf(std::string_view value) {
  absl::StatusOr<std::vector<DiskSpec>> d = ParseDiskSpecs(value);
  return d.ok() ? "ok" : std::string(d.status().message());
}

TEST_CASE("disk_spec: sizes in truncate's format") {
  CHECK(ParseDiskSize("5G") == int64_t{5} << 30);
  CHECK(ParseDiskSize("512m") == int64_t{512} << 20);
  CHECK(ParseDiskSize("2MiB") == int64_t{2} << 20);
  CHECK(ParseDiskSize("1MB") == 1000000);
  CHECK(ParseDiskSize("4096") == 4096);
  CHECK(ParseDiskSize("1T") == int64_t{1} << 40);
  for (const char* bad : {"", "G", "5X", "5GG", "-1G", "1.5G", "99999999999E", "5 G"}) {
    INFO(bad);
    CHECK_FALSE(ParseDiskSize(bad).has_value());
  }
}

TEST_CASE("disk_spec: a full spec") {
  absl::StatusOr<std::vector<DiskSpec>> d =
      ParseDiskSpecs("/disks/a,/var/lib/docker,ext4,5G; /b,/opt,ext3");
  REQUIRE(d.ok());
  REQUIRE(d->size() == 2);
  CHECK((*d)[0].dst == "/var/lib/docker");
  CHECK((*d)[1].src == "/b");
  CHECK((*d)[1].size_bytes == 0);
  CHECK(DiskFstabLine((*d)[0], 0) ==
        "/dev/disk/by-id/virtio-runcvm-disk0 /var/lib/docker ext4 defaults,noatime 0 0");
  CHECK(DiskSerial(12).size() <= 20);
}

TEST_CASE("disk_spec: each error names the disk and the field") {
  CHECK(ErrorOf("/a,/b") ==
        "disk 1 ('/a,/b'): missing <filesystem> (want <src>,<dst>,<filesystem>[,<size>])");
  CHECK(ErrorOf("/a,/b,ext4;,/c,ext4") ==
        "disk 2 (',/c,ext4'): missing <src> (want <src>,<dst>,<filesystem>[,<size>])");
  CHECK(ErrorOf("/a,,ext4") ==
        "disk 1 ('/a,,ext4'): missing <dst> (want <src>,<dst>,<filesystem>[,<size>])");
  CHECK(ErrorOf("/a,/b,ext4,1G,x") ==
        "disk 1 ('/a,/b,ext4,1G,x'): too many fields (want <src>,<dst>,<filesystem>[,<size>])");
  CHECK(ErrorOf("a,/b,ext4") == "disk 1 ('a,/b,ext4'): <src> must be a clean absolute path");
  CHECK(ErrorOf("/a,/,ext4") == "disk 1 ('/a,/,ext4'): <dst> must be a clean absolute path, not /");
  CHECK(ErrorOf("/a/../b,/c,ext4") ==
        "disk 1 ('/a/../b,/c,ext4'): <src> must be a clean absolute path");
  CHECK(ErrorOf("/a,/a,ext4") == "disk 1 ('/a,/a,ext4'): <src> and <dst> are the same path");
  CHECK(ErrorOf("/a,/b,xfs") ==
        "disk 1 ('/a,/b,xfs'): filesystem 'xfs' is not one of ext2, ext3, ext4");
  CHECK(ErrorOf("/a,/b,ext4,lots") ==
        "disk 1 ('/a,/b,ext4,lots'): size 'lots' is not a size such as 512M or 5G");
  CHECK(ErrorOf("/a,/b,ext4,100K") ==
        "disk 1 ('/a,/b,ext4,100K'): size 100K is too small for ext4 (at least 1M)");
  CHECK(ErrorOf("/a,/b,ext2,17T") ==
        "disk 1 ('/a,/b,ext2,17T'): size 17T is more than ext2 can hold (at most 16T)");
  CHECK(ErrorOf("/a,/b,ext4;/a,/c,ext4") == "disk 2 ('/a,/c,ext4'): <src> /a is used twice");
  CHECK(ErrorOf("/a,/b,ext4;/c,/b,ext4") == "disk 2 ('/c,/b,ext4'): <dst> /b is used twice");
}

}  // namespace
}  // namespace runcvm
