using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AaiProxy.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JoinRequestsAndExpiryReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExpiryReminders",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MembershipEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpiryReminders", x => new { x.GroupId, x.AccountId, x.MembershipEnd });
                    table.ForeignKey(
                        name: "FK_ExpiryReminders_Memberships_GroupId_AccountId",
                        columns: x => new { x.GroupId, x.AccountId },
                        principalTable: "Memberships",
                        principalColumns: new[] { "GroupId", "AccountId" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "JoinRequests",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JoinRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JoinRequests_CommunityAccounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "CommunityAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_JoinRequests_Groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "Groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_JoinRequests_AccountId",
                table: "JoinRequests",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_JoinRequests_GroupId_State",
                table: "JoinRequests",
                columns: new[] { "GroupId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExpiryReminders");

            migrationBuilder.DropTable(
                name: "JoinRequests");
        }
    }
}
